import NumaflowSourcer
import Testing

/// The ledger alone, with time given explicitly: what is given back, when, and in what order.
struct DeliveryLedgerTests {
  let t0 = ContinuousClock.now
  let first = ReadStream(number: 1)
  let second = ReadStream(number: 2)

  func ledger(_ count: Int, ackTimeout: Duration? = .seconds(60)) -> DeliveryLedger<Int, String> {
    var ledger = DeliveryLedger<Int, String>(ackTimeout: ackTimeout)
    for key in 0..<count { ledger.append("r\(key)", key: key) }
    return ledger
  }

  @Test func whatWasOutOnAStreamThatEndedComesBackFirstInTheOrderItWentOut() {
    var ledger = ledger(10)
    #expect(ledger.take(3, on: first, now: t0).map(\.key) == [0, 1, 2])
    #expect(ledger.take(2, on: second, now: t0).map(\.key) == [3, 4])
    ledger.readStreamEnded(first)
    #expect(ledger.outCount == 2 && ledger.waitingCount == 8)
    #expect(ledger.take(4, on: second, now: t0).map(\.key) == [0, 1, 2, 5], "given back before new records")
    #expect(ledger.redeliveries == 3)
  }

  @Test func aRecordUnackedPastTheTimeoutComesBackAndNotBefore() {
    var ledger = ledger(4, ackTimeout: .seconds(60))
    _ = ledger.take(2, on: first, now: t0)
    #expect(ledger.expire(now: t0 + .seconds(59)) == 0)
    _ = ledger.take(1, on: first, now: t0 + .seconds(30))
    #expect(ledger.expire(now: t0 + .seconds(60)) == 2, "the first two, not the one taken later")
    #expect(ledger.take(10, on: first, now: t0 + .seconds(60)).map(\.key) == [0, 1, 3])
    #expect(ledger.expire(now: t0 + .seconds(90)) == 1, "key 2, taken at 30 s")
  }

  @Test func aLateAckClearsARecordGivenBackWhereverItIs() {
    var ledger = ledger(3)
    _ = ledger.take(3, on: first, now: t0)
    ledger.readStreamEnded(first)
    let ackedWaiting = ledger.ack(1)
    #expect(ackedWaiting, "acked while waiting to be read again")
    #expect(ledger.take(3, on: second, now: t0).map(\.key) == [0, 2])
    ledger.readStreamEnded(second)
    _ = ledger.take(1, on: first, now: t0)
    let ackedOut = ledger.ack(0)
    let ackedTwice = ledger.ack(0)
    #expect(ackedOut, "acked while out again")
    #expect(!ackedTwice, "a repeated ack is not held any more")
    #expect(ledger.heldCount == 1 && ledger.take(5, on: first, now: t0).map(\.key) == [2])
  }

  @Test func aRecordIsNeverOutTwiceAtOnce() {
    var ledger = ledger(2)
    _ = ledger.take(2, on: first, now: t0)
    ledger.readStreamEnded(first)
    ledger.readStreamEnded(first)  // ended twice: nothing is given back twice
    #expect(ledger.take(5, on: second, now: t0).map(\.key) == [0, 1])
    #expect(ledger.expire(now: t0 + .seconds(120)) == 2, "each delivery expires once")
    #expect(ledger.take(5, on: second, now: t0 + .seconds(120)).map(\.key) == [0, 1])
    #expect(ledger.take(5, on: second, now: t0 + .seconds(120)).isEmpty)
  }

  @Test func nackedRecordsComeAfterThoseOfEndedStreamsAndUnsentOnesComeFirst() {
    var ledger = ledger(6)
    _ = ledger.take(2, on: first, now: t0)
    _ = ledger.take(2, on: second, now: t0)
    let nacked = ledger.nack(3)
    let nackedTwice = ledger.nack(3)
    #expect(nacked)
    #expect(!nackedTwice, "no longer out")
    ledger.readStreamEnded(first)
    let taken = ledger.take(3, on: second, now: t0)
    #expect(taken.map(\.key) == [0, 1, 3])
    ledger.unsent([1, 3])
    #expect(ledger.take(2, on: second, now: t0).map(\.key) == [1, 3])
  }

  @Test func acksKeepTheLedgerSmall() {
    var ledger = DeliveryLedger<Int, Int>(ackTimeout: .seconds(60))
    for round in 0..<100 {
      for key in 0..<100 { ledger.append(key, key: round * 100 + key) }
      for (key, _) in ledger.take(100, on: first, now: t0) { ledger.ack(key) }
    }
    #expect(ledger.heldCount == 0 && ledger.outCount == 0 && ledger.expire(now: t0 + .seconds(61)) == 0)
  }
}
