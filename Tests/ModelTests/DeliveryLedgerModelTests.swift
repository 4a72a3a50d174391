import NumaflowSourcer
import PropertyBased
import Testing

/// Random sequences of appends, reads, acks, nacks, ended read streams, unsent reads and clock
/// ticks against `DeliveryLedger`, checked after every step against what the ledger promises:
/// nothing lost, nothing out twice, given-back records read before new ones, counts that add up.
@Suite struct DeliveryLedgerModelTests {
  static let ackTimeout = 30

  enum Step: CustomStringConvertible {
    case append
    case take(Int, stream: Int)
    case ack(key: Int)
    case nack(key: Int)
    case streamEnded(Int)
    /// The keys of the last take, put back as never sent.
    case unsent
    case tick(seconds: Int)

    var description: String {
      switch self {
      case .append: "append"
      case .take(let count, let stream): "take \(count) on stream \(stream)"
      case .ack(let key): "ack \(key)"
      case .nack(let key): "nack \(key)"
      case .streamEnded(let stream): "stream \(stream) ended"
      case .unsent: "unsent (the last take)"
      case .tick(let seconds): "tick \(seconds) s, then expire"
      }
    }
  }

  static let step = zip(Gen.int(in: 0...99), Gen.int(in: 0...24), Gen.int(in: 0...2)).map { choice, number, stream in
    switch choice {
    case 0..<25: Step.append
    case 25..<45: Step.take(number % 6, stream: stream)
    case 45..<65: Step.ack(key: number)
    case 65..<75: Step.nack(key: number)
    case 75..<82: Step.streamEnded(stream)
    case 82..<88: Step.unsent
    default: Step.tick(seconds: number * 2)
    }
  }

  /// What the ledger promises, kept the simplest way.
  struct Model {
    var appended = 0
    var acked: Set<Int> = []
    /// Out: read and not yet acked or given back, with its stream and deadline.
    var out: [Int: (stream: Int, deadline: Int)] = [:]
    /// Read once and given back, waiting to be read again.
    var givenBack: Set<Int> = []
    var delivered: Set<Int> = []
    var redeliveries = 0
    var now = 0

    var held: Int { appended - acked.count }
    var waiting: Int { held - out.count }
    func isHeld(_ key: Int) -> Bool { key < appended && !acked.contains(key) }

    mutating func giveBack(_ keys: some Sequence<Int>) {
      for key in keys where out.removeValue(forKey: key) != nil {
        givenBack.insert(key)
        redeliveries += 1
      }
    }
  }

  /// Runs `steps`, returning the first broken promise.
  static func run(_ steps: [Step]) -> String? {
    let start = ContinuousClock.now
    var ledger = DeliveryLedger<Int, String>(ackTimeout: .seconds(ackTimeout))
    var model = Model()
    var lastTake: [Int] = []
    for (index, step) in steps.enumerated() {
      let at = "step \(index) (\(step))"
      switch step {
      case .append:
        ledger.append("record \(model.appended)", key: model.appended)
        model.appended += 1
      case .take(let count, let stream):
        let taken = ledger.take(count, on: ReadStream(number: UInt64(stream)), now: start + .seconds(model.now))
        let keys = taken.map(\.key)
        if let twice = keys.first(where: { model.out[$0] != nil }) { return "\(at): \(twice) was out already" }
        if Set(keys).count != keys.count { return "\(at): a key twice in one read: \(keys)" }
        if let gone = keys.first(where: { !model.isHeld($0) }) { return "\(at): read \(gone), which is not held" }
        if let wrong = taken.first(where: { $0.record != "record \($0.key)" }) {
          return "\(at): \(wrong) has another's record"
        }
        if keys.count != min(count, model.waiting) {
          return "\(at): read \(keys.count) with \(model.waiting) waiting"
        }
        let firstNew = keys.firstIndex { !model.delivered.contains($0) } ?? keys.endIndex
        if keys[firstNew...].contains(where: { model.givenBack.contains($0) })
          || (firstNew < keys.endIndex && model.givenBack.subtracting(keys[..<firstNew]).isEmpty == false)
        {
          return "\(at): a new record was read before one given back: \(keys)"
        }
        for key in keys {
          model.out[key] = (stream, model.now + ackTimeout)
          model.givenBack.remove(key)
          model.delivered.insert(key)
        }
        lastTake = keys
      case .ack(let key):
        let expected = model.isHeld(key)
        if ledger.ack(key) != expected { return "\(at): ack answered \(!expected)" }
        model.acked.formUnion(expected ? [key] : [])
        model.out[key] = nil
        model.givenBack.remove(key)
      case .nack(let key):
        let expected = model.out[key] != nil
        if ledger.nack(key) != expected { return "\(at): nack answered \(!expected)" }
        model.giveBack([key])
      case .streamEnded(let stream):
        ledger.readStreamEnded(ReadStream(number: UInt64(stream)))
        model.giveBack(model.out.filter { $0.value.stream == stream }.map(\.key))
      case .unsent:
        ledger.unsent(lastTake)
        for key in lastTake where model.out.removeValue(forKey: key) != nil {
          // Never sent: not a redelivery, and not a delivery either.
          if model.givenBack.contains(key) || !model.delivered.contains(key) { continue }
          model.givenBack.insert(key)
        }
        lastTake = []
      case .tick(let seconds):
        model.now += seconds
        let expired = ledger.expire(now: start + .seconds(model.now))
        let due = model.out.filter { $0.value.deadline <= model.now }.map(\.key)
        if expired != due.count { return "\(at): expired \(expired), \(due.count) were due" }
        model.giveBack(due)
      }
      if ledger.heldCount != model.held { return "\(at): holds \(ledger.heldCount), expected \(model.held)" }
      if ledger.outCount != model.out.count { return "\(at): \(ledger.outCount) out, expected \(model.out.count)" }
      if ledger.waitingCount != model.waiting {
        return "\(at): \(ledger.waitingCount) waiting, expected \(model.waiting)"
      }
      if ledger.redeliveries != model.redeliveries {
        return "\(at): \(ledger.redeliveries) redeliveries, expected \(model.redeliveries)"
      }
    }
    // Nothing lost: reading and acking until empty delivers every record not acked.
    var rounds = 0
    while ledger.heldCount > 0 {
      rounds += 1
      ledger.readStreamEnded(ReadStream(number: 0))
      ledger.readStreamEnded(ReadStream(number: 1))
      ledger.readStreamEnded(ReadStream(number: 2))
      let keys = ledger.take(1000, on: ReadStream(number: 3), now: start + .seconds(model.now)).map(\.key)
      if keys.isEmpty || rounds > 2 { return "drain: \(ledger.heldCount) records held that no read returns" }
      for key in keys { ledger.ack(key) }
      model.acked.formUnion(keys)
    }
    if model.acked.count != model.appended { return "drain: \(model.appended - model.acked.count) records lost" }
    return nil
  }

  @Test func randomSequencesKeepEveryPromise() async {
    await checkModel(count: 400, seed: 20_261_205, steps: Self.step.array(of: 1...120), property: Self.run)
  }
}
