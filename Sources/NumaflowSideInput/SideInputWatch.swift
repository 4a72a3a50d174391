import NumaflowCore

/// A side input's values as they change: the current value first, then every new one. Made by
/// ``SideInputs/watch(_:codec:whenMissing:)-swift.method`` and its shorthands.
///
/// Each value is read whole through numa's symlink, which is replaced only once the new file is
/// written, so a half-written value is never seen. A value equal to the last one is not yielded
/// again. Updates that come faster than the consumer reads them are skipped: the next value is
/// the newest. Iterating ends when the task is cancelled, and throws ``SideInputError``
/// when the value is missing under ``SideInputs/WhenMissing/fail`` or the codec refuses it.
public struct SideInputWatch<Value>: AsyncSequence, Sendable {
  public typealias Element = Value
  public typealias Failure = any Error

  let name: String
  let directory: String
  let codec: SideInputCodec<Value>
  let whenMissing: SideInputs.WhenMissing
  let interval: Duration
  let waitForNextPoll: @Sendable (Duration) async throws -> Void

  public func makeAsyncIterator() -> Iterator {
    Iterator(watch: self, watcher: DirectoryWatcher(directory: directory, fileName: name))
  }

  public struct Iterator: AsyncIteratorProtocol {
    let watch: SideInputWatch
    let watcher: DirectoryWatcher
    var last: Data?

    public mutating func next() async throws -> Value? {
      while !Task.isCancelled {
        if watcher.mayHaveChanged() {
          switch try SideInputFile.read(watch.name, in: watch.directory) {
          case .value(let bytes) where bytes != last:
            last = bytes
            do {
              return try watch.codec.decode(bytes)
            } catch {
              throw SideInputError(.undecodable, name: watch.name, "the codec refused the value: \(error)")
            }
          case .value:
            break
          case .missing(let what):
            if watch.whenMissing == .fail && last == nil {
              throw SideInputError(.missing, name: watch.name, what)
            }
          }
        }
        do { try await watch.waitForNextPoll(watch.interval) } catch { return nil }
      }
      return nil
    }
  }
}

/// Reading one side input's file as numa leaves it.
enum SideInputFile {
  enum Outcome {
    case value(Data)
    /// What is missing, in words.
    case missing(String)
  }

  /// The value behind `name`'s symlink. numa deletes the old file right after swapping the
  /// link, so a read that finds the old target gone tries again, through the new link.
  static func read(_ name: String, in directory: String) throws -> Outcome {
    let path = joinPath(directory, name)
    for _ in 0..<5 {
      do {
        return .value(try Data(contentsOf: URL(fileURLWithPath: path)))
      } catch let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileNoSuchFile {
        let type = try? FileManager.default.attributesOfItem(atPath: directory)[.type] as? FileAttributeType
        guard type == .typeDirectory else {
          return .missing("the side-input directory \(directory) does not exist (is the side input mounted?)")
        }
        guard (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil else {
          return .missing("\(path) does not exist yet")
        }
        // The link is there but its old target was just removed: read the new one.
      } catch {
        throw SideInputError(.unreadable, name: name, "\(path) cannot be read: \(error)")
      }
    }
    throw SideInputError(.unreadable, name: name, "\(path) kept pointing at removed files")
  }
}
