/// One keyed window's data, as it arrives; it ends when numa closes the window.
public typealias Datums = DatumStream
