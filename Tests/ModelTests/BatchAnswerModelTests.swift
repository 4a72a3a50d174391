import NumaflowCore
import PropertyBased
import Testing

/// Random batches answered with ids left out, repeated or made up, against the check that
/// decides whether a batch map or sink handler answered its batch: it must pass exactly the
/// answers that name every request once, and name the ids that are wrong.
@Suite struct BatchAnswerModelTests {
  /// What happens to one id: a request answered `times` times, or an answer for a stranger.
  enum Fate: CustomStringConvertible {
    case request(answered: Int)
    case stranger(Int)

    var description: String {
      switch self {
      case .request(let times): "a request answered \(times) time\(times == 1 ? "" : "s")"
      case .stranger(let number): "an answer for stranger-\(number)"
      }
    }
  }

  static let fate = zip(Gen.int(in: 0...99), Gen.int(in: 0...3)).map { choice, number in
    switch choice {
    case 0..<80: Fate.request(answered: 1)
    case 80..<88: Fate.request(answered: 0)
    case 88..<95: Fate.request(answered: 2 + number % 2)
    default: Fate.stranger(number)
    }
  }

  static func check(_ fates: [Fate]) -> String? {
    var expected: [String] = []
    var answered: [String] = []
    for fate in fates {
      switch fate {
      case .request(let times):
        let id = "request-\(expected.count)"
        expected.append(id)
        answered += Array(repeating: id, count: times)
      case .stranger(let number):
        answered.append("stranger-\(number)")
      }
    }
    // Handlers answer in any order.
    answered = answered.enumerated().sorted { ($0.offset * 7) % 11 < ($1.offset * 7) % 11 }.map(\.element)

    let problem = mismatch(expected: expected, answered: answered)
    let exact = answered.sorted() == expected.sorted()
    guard exact == (problem == nil) else {
      return exact ? "a right answer was refused: \(problem!)" : "a wrong answer passed: \(answered) for \(expected)"
    }
    guard let problem else { return nil }
    let counts = Dictionary(answered.map { ($0, 1) }, uniquingKeysWith: +)
    let firstMissing = expected.first { counts[$0] == nil }
    let firstRepeated = expected.filter { counts[$0, default: 0] > 1 }.sorted().first
    let firstStranger = counts.keys.filter { !expected.contains($0) }.sorted().first
    for id in [firstMissing, firstRepeated, firstStranger].compactMap({ $0 }) where !problem.contains("'\(id)'") {
      return "the failure does not name \(id): \(problem)"
    }
    return nil
  }

  @Test func onlyEveryIdOnceIsARightAnswer() async {
    await checkModel(count: 1_000, seed: 20_261_205, steps: Self.fate.array(of: 0...14), property: Self.check)
  }
}
