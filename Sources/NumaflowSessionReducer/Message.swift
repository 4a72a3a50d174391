import NumaflowProtos
import NumaflowReducer

extension Message {
  /// The result numa receives from a session reducer.
  var sessionResult: Sessionreduce_V1_SessionReduceResponse.Result {
    var result = Sessionreduce_V1_SessionReduceResponse.Result()
    result.keys = keys
    result.value = value
    result.tags = tags
    return result
  }

  /// The message a session reducer's wire result describes (for clients and tests).
  package init(sessionResult result: Sessionreduce_V1_SessionReduceResponse.Result) {
    self.init(result.value, keys: result.keys, tags: result.tags)
  }
}
