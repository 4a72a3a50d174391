import NumaflowCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct KeyedInputTests {
  @Test func elementsComeInOrderThenNilOnceFinished() async {
    let input = KeyedInput<Int>()
    for value in 0..<200 { input.yield(value) }
    input.finish()
    input.yield(999)  // after the end: dropped
    var read: [Int] = []
    while let value = await input.next() { read.append(value) }
    #expect(read == Array(0..<200))
    #expect(await input.next() == nil)
  }

  @Test func aWaitingReaderGetsTheNextElementThenTheEnd() async {
    let input = KeyedInput<String>()
    await withTaskGroup(of: [String].self) { group in
      group.addTask {
        var read: [String] = []
        while let value = await input.next() { read.append(value) }
        return read
      }
      // The reader may or may not be waiting by now; either way it gets both, then nil.
      await Task.yield()
      input.yield("a")
      await Task.yield()
      input.yield("b")
      input.finish()
      #expect(await group.next() == ["a", "b"])
    }
  }

  @Test func readsAndWritesInterleavedLoseNothing() async {
    let input = KeyedInput<Int>()
    let count = 10_000
    await withTaskGroup(of: Int.self) { group in
      group.addTask {
        var sum = 0
        var expected = 0
        while let value = await input.next() {
          if value != expected { return -1 }
          expected += 1
          sum += value
        }
        return sum
      }
      group.addTask {
        for value in 0..<count {
          input.yield(value)
          if value % 97 == 0 { await Task.yield() }
        }
        input.finish()
        return 0
      }
      var results: [Int] = []
      for await result in group { results.append(result) }
      #expect(results.sorted() == [0, count * (count - 1) / 2])
    }
  }
}
