import Foundation
import GRPCCore
import NumaflowSideInput
import NumaflowTesting
import Synchronization
import Testing

/// Broadcasts "tick N" on odd calls and nothing on even ones, as the reference's example does.
final class Ticker: SideInputRetriever {
  private let calls = Mutex(0)

  func retrieve() async -> SideInputValue { tick() }

  func tick() -> SideInputValue {
    let call = calls.withLock {
      $0 += 1
      return $0
    }
    return call % 2 == 0 ? .noBroadcast : .broadcast(Data("tick \(call)".utf8))
  }
}

/// The same ticker, blocking.
struct SyncTicker: SyncSideInputRetriever {
  let ticker = Ticker()
  func retrieve() -> SideInputValue { ticker.tick() }
}

struct Refused: Error, CustomStringConvertible {
  var description: String { "registry unreachable" }
}

@Suite struct SideInputRetrieverTests {
  @Test(arguments: ["async", "sync", "inline"])
  func broadcastsAndSkips(mode: String) async throws {
    let server =
      switch mode {
      case "sync": SideInputServer(mode: .sync, sideInputRetriever: SyncTicker())
      case "inline": SideInputServer(mode: .async, sideInputRetriever: SyncTicker())
      default: SideInputServer(sideInputRetriever: Ticker())
      }
    let client = SideInputTestClient(server: server)
    #expect(try await client.isReady())
    var values: [SideInputValue] = []
    for _ in 0..<4 { values.append(try await client.retrieve()) }
    #expect(values == [.broadcast(Data("tick 1".utf8)), .noBroadcast, .broadcast(Data("tick 3".utf8)), .noBroadcast])
  }

  @Test func aThrowingRetrieverIsAUDFFailure() async throws {
    let client = SideInputTestClient(server: SideInputServer(configuration: .testDefaults) { throw Refused() })
    await #expect {
      _ = try await client.retrieve()
    } throws: { error in
      guard let error = error as? RPCError else { return false }
      return error.code == .internalError
        && error.message
          == "UDF_EXECUTION_ERROR(udf): side input retriever failed for RetrieveSideInput: registry unreachable"
    }
  }

  @Test func aValueNumaCannotReadIsRefusedNotSent() async throws {
    let fits = Data(repeating: 0x61, count: SideInputValue.maximumSize)
    #expect(try await SideInputTestClient(server: SideInputServer { .broadcast(fits) }).retrieve() == .broadcast(fits))

    let tooLarge = Data(repeating: 0x61, count: SideInputValue.maximumSize + 1)
    let client = SideInputTestClient(server: SideInputServer(configuration: .testDefaults) { .broadcast(tooLarge) })
    await #expect {
      _ = try await client.retrieve()
    } throws: { error in
      guard let error = error as? RPCError else { return false }
      return error.code == .internalError
        && error.message.contains("returned a value of 4194300 bytes; numa's side-input client accepts at most 4194299")
    }
  }
}
