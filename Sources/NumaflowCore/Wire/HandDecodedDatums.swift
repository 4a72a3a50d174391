import NumaflowProtos

// Every kind's datum is a `HandDecodedDatum` here, in the core, so that the shared decoder is
// specialized for each (`@_specialize` in `HandCodedMessage.swift` names them): generic code in
// the core that a kind's module calls runs unspecialized otherwise, with a witness call per
// field and type look-ups at run time. Field numbers as in `Protos/`, the same at numa v1.8.3
// and on main.

extension Map_V1_MapRequest.Request: HandDecodedDatum {}

extension Reduce_V1_ReduceRequest.Payload: HandDecodedDatum {}

extension Sessionreduce_V1_SessionReduceRequest.Payload: HandDecodedDatum {}

extension Sourcetransformer_V1_SourceTransformRequest.Request: HandDecodedDatum {
  /// A transformer's datum holds its id at 6, its metadata at 7.
  package static var metadataField: Int { 7 }
}

extension Sink_V1_SinkRequest.Request: HandDecodedDatum {
  /// A sink's datum holds its id at 5, where the other kinds' hold their headers, and its
  /// headers and metadata one further on.
  package static var headersField: Int { 6 }
  package static var metadataField: Int { 7 }
}

extension Accumulator_V1_Payload: HandDecodedDatum {
  /// An accumulator's datum holds its id at 5, as a sink's does.
  package static var headersField: Int { 6 }
  package static var metadataField: Int { 7 }
}
