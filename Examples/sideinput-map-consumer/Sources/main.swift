// A map UDF that reads the side input "myticker" and attaches its current value to every
// message: user metadata group "side-inputs", key "myticker" ("no_value" before the first
// value arrives, as in numaflow-python's examples/sideinput/simple_sideinput/udf). The value and
// keys pass through unchanged.
import FoundationEssentials
import NumaflowMapper
import NumaflowSideInput

struct TagWithTicker: SyncMapper {
  let sideInputs = SideInputs()

  func map(keys: [String], datum: Datum) throws -> [Message] {
    // Read once per message; the file is read again only when numa swaps in a new value.
    let ticker = (try? sideInputs.latest("myticker")) ?? Data("no_value".utf8)
    var metadata = datum.userMetadata
    metadata["side-inputs", "myticker"] = ticker
    return [Message(datum.value, keys: keys, userMetadata: metadata)]
  }
}

// `--mode async|sync|multiprocess` picks where the handler runs (default async: inline).
try await MapServer(mode: .commandLine(default: .async), mapper: TagWithTicker()).runService()
