import NumaflowCore

#if canImport(Glibc)
import Glibc
#endif

/// Says whether a file in a directory may have changed since it was last asked. On Linux it
/// reads inotify events for the directory (not the file's inode, which numa replaces on every
/// update), so it wakes only for that file; elsewhere, or when inotify cannot be used, it
/// answers yes every time and the reader compares values.
final class DirectoryWatcher {
  private let directory: String
  private let fileName: String
  #if canImport(Glibc)
  private var descriptor: Int32 = -1
  #endif

  init(directory: String, fileName: String) {
    self.directory = directory
    self.fileName = fileName
  }

  deinit {
    #if canImport(Glibc)
    if descriptor >= 0 { close(descriptor) }
    #endif
  }

  /// Whether the file may have changed: an event named it, the directory's watch was lost
  /// (the next call watches it again), or there is no inotify watch to ask.
  func mayHaveChanged() -> Bool {
    #if canImport(Glibc)
    if descriptor < 0 {
      // Not watching yet (or any more): start, and take everything as changed.
      startWatching()
      return true
    }
    return drainEvents()
    #else
    return true
    #endif
  }

  #if canImport(Glibc)
  private func startWatching() {
    let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    guard fd >= 0 else { return }
    let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
    guard inotify_add_watch(fd, directory, mask) >= 0 else {
      close(fd)
      return
    }
    descriptor = fd
  }

  /// Reads the pending events; `true` if one is about the file or the watch is gone.
  private func drainEvents() -> Bool {
    var changed = false
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      var offset = 0
      while offset + 16 <= count {
        let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
        let length = Int(buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) })
        let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
        if String(decoding: nameBytes, as: UTF8.self) == fileName || mask & UInt32(IN_Q_OVERFLOW) != 0 {
          changed = true
        }
        if mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
          // The directory itself went away: watch it again once it is back.
          close(descriptor)
          descriptor = -1
          return true
        }
        offset += 16 + length
      }
    }
    return changed
  }
  #endif
}
