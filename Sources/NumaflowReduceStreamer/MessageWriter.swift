import NumaflowCore
import NumaflowReducer

/// Where a stream reducer writes a keyed window's results while the window's data still
/// arrives (see the core's `OutputWriter`).
public typealias MessageWriter = OutputWriter<Message>
