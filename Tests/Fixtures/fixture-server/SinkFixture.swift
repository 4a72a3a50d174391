// The sink fixture (--kind sink): each datum's value says how it is answered.
//
//   "throw:TEXT" / "trap" / "sleep:MS"   as for the other kinds (then "ok")
//   "fail:REASON"       .failure(reason: REASON)
//   "fallback"          .fallback
//   "serve" / "serve:P" .serve, with payload P when given
//   "onsuccess" / "onsuccess:V"  .onSuccess, with a message of value V and key "on_success"
//   "nack"              .nack, reason "fixture", delay 1.5 s, max 3 deliveries, value a=b
//   "pid"               .serve with the answering process's pid as payload
//   "flaky:N"           .failure(reason: "retry_count=C") while numa's retry count C < N, then .ok
//   "forget"            no response at all
//   "twice"             two responses "ok"
//   "invent"            "ok", and another "ok" for the id "stranger"
//   anything else       .ok
import Foundation
import NumaflowSinker

enum SinkBehaviour {
  static func responses(for datum: Datum) -> [Response] {
    let text = String(decoding: datum.value, as: UTF8.self)
    let (verb, argument) =
      text.firstIndex(of: ":").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) } ?? (text, nil)
    switch verb {
    case "fail": return [.failure(datum.id, reason: argument ?? "")]
    case "fallback": return [.fallback(datum.id)]
    case "serve": return [.serve(datum.id, payload: argument.map { Data($0.utf8) })]
    case "onsuccess":
      return [.onSuccess(datum.id, argument.map { NumaflowSinker.Message($0, keys: ["on_success"]) })]
    case "nack":
      return [
        .nack(
          datum.id, NackOptions(reason: "fixture", maxDeliveries: 3, delay: .milliseconds(1500), values: ["a": "b"]))
      ]
    case "nack-once":
      // O_EXCL: the first delivery creates the file and is nacked; later ones are written.
      let created = argument.map { open($0, O_CREAT | O_EXCL | O_WRONLY, 0o644) } ?? -1
      guard created >= 0 else { return [.ok(datum.id)] }
      close(created)
      return [.nack(datum.id, NackOptions(reason: "first delivery"))]
    case "pid": return [.serve(datum.id, payload: Data(String(getpid()).utf8))]
    case "flaky":
      let count = datum.retryCount.map(String.init) ?? "none"
      guard let needed = argument.flatMap(Int.init), let attempt = datum.retryCount, attempt >= needed else {
        return [.failure(datum.id, reason: "retry_count=\(count)")]
      }
      return [.ok(datum.id)]
    case "forget": return []
    case "twice": return [.ok(datum.id), .ok(datum.id)]
    case "invent": return [.ok(datum.id), .ok("stranger")]
    default: return [.ok(datum.id)]
    }
  }
}

/// How long each call of the sink's handler takes before it looks at its batch: a slow sink
/// (`--handler-delay-ms N`).
let sinkHandlerDelay = flag("--handler-delay-ms").flatMap(Int.init) ?? 0

struct AsyncSinkFixture: Sinker {
  func sink(_ datums: [Datum]) async throws -> [Response] {
    if sinkHandlerDelay > 0 { try await Task.sleep(for: .milliseconds(sinkHandlerDelay)) }
    var responses: [Response] = []
    for datum in datums {
      try await Behaviour(datum.value).act()
      responses += SinkBehaviour.responses(for: datum)
    }
    return responses
  }
}

struct SyncSinkFixture: SyncSinker {
  func sink(_ datums: [Datum]) throws -> [Response] {
    if sinkHandlerDelay > 0 { usleep(UInt32(sinkHandlerDelay) * 1000) }
    return try datums.flatMap { datum in
      try Behaviour(datum.value).actBlocking()
      return SinkBehaviour.responses(for: datum)
    }
  }
}

/// With --handler noop: answers every datum ok and looks at nothing (for benchmarks).
struct NoopSink: Sinker {
  func sink(_ datums: [Datum]) async throws -> [Response] { datums.map { .ok($0.id) } }
}

struct SyncNoopSink: SyncSinker {
  func sink(_ datums: [Datum]) throws -> [Response] { datums.map { .ok($0.id) } }
}
