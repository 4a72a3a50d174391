import Foundation
import NumaflowDevKit
import NumaflowSideInput
import NumaflowTesting

/// numa's side-input manager and synchronizer for a run: each retriever is called before any
/// data moves (vertices wait for every side input they read, as numa's init container makes
/// them), then whenever its schedule comes due between two source batches; a broadcast value is
/// swapped into every consuming vertex's directory the way numa swaps it.
final class SideInputFeed {
  private struct Retriever {
    var name: String
    var client: SideInputTestClient
    var schedule: CronSchedule?
    var due: Date?
    var directories: [SideInputDirectory]
  }

  private var retrievers: [Retriever]
  private let once: Bool
  private(set) var updates = 0

  init(spec: PipelineSpec, servers: PipelineServers, once: Bool) {
    self.once = once
    retrievers = spec.sideInputs.map { sideInput in
      Retriever(
        name: sideInput.name, client: SideInputTestClient(servers.connection(sideInput.name)),
        schedule: sideInput.schedule,
        directories: spec.vertices.filter { $0.sideInputs.contains(sideInput.name) }.compactMap {
          servers.sideInputDirectories[$0.name]
        })
    }
  }

  /// The first value of every side input; a retriever that does not broadcast within `attempts`
  /// calls stops the run, as its consumers would never start.
  func start(attempts: Int = 20) async throws {
    for index in retrievers.indices {
      var broadcast = false
      for _ in 0..<attempts where !broadcast {
        broadcast = try await retrieve(index)
        if !broadcast { try await Task.sleep(for: .milliseconds(100)) }
      }
      guard broadcast else {
        throw ValidationFailure(
          "side input \(retrievers[index].name): no value after \(attempts) calls; numa keeps its consumers "
            + "waiting until there is one")
      }
      retrievers[index].due = retrievers[index].schedule?.next(after: Date())
    }
  }

  /// Calls every retriever whose schedule has come due.
  func refreshIfDue(now: Date = Date()) async throws {
    guard !once else { return }
    for index in retrievers.indices {
      guard let due = retrievers[index].due, due <= now else { continue }
      _ = try await retrieve(index)
      retrievers[index].due = retrievers[index].schedule?.next(after: now)
    }
  }

  private func retrieve(_ index: Int) async throws -> Bool {
    let retriever = retrievers[index]
    let value = try await failureNamed("side input \(retriever.name)") { try await retriever.client.retrieve() }
    guard case .broadcast(let data) = value else {
      log("side input \(retriever.name): no broadcast")
      return false
    }
    for directory in retriever.directories { try directory.set(retriever.name, to: data) }
    updates += 1
    log("side input \(retriever.name): \(data.count) bytes to \(retriever.directories.count) vertices")
    return true
  }
}
