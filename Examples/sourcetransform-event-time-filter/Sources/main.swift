// Filters and re-stamps messages by event time.
// Reference behaviour: numaflow-python examples/sourcetransform/event_time_filter.
//   before 2022        dropped (event time unchanged)
//   during 2022        tag "within_year_2022", event time 2022-01-01T00:00:00Z
//   2023 and later     tag "after_year_2022",  event time 2023-01-01T00:00:00Z
// Outputs carry no keys, as in the reference.
import FoundationEssentials
import NumaflowSourceTransformer

struct EventTimeFilter: SyncSourceTransformer {
  static let januaryFirst2022 = Date(timeIntervalSince1970: 1_640_995_200)
  static let januaryFirst2023 = Date(timeIntervalSince1970: 1_672_531_200)

  func transform(keys: [String], datum: Datum) throws -> [Message] {
    if datum.eventTime < Self.januaryFirst2022 {
      return [.drop(eventTime: datum.eventTime)]
    }
    if datum.eventTime < Self.januaryFirst2023 {
      return [Message(datum.value, eventTime: Self.januaryFirst2022, tags: ["within_year_2022"])]
    }
    return [Message(datum.value, eventTime: Self.januaryFirst2023, tags: ["after_year_2022"])]
  }
}

// `--mode async|sync|multiprocess` picks where the handler runs (default async: inline).
try await SourceTransformServer(mode: .commandLine(default: .async), sourceTransformer: EventTimeFilter()).runService()
