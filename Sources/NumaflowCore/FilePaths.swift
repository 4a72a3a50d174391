/// `directory/name`, with one slash between them: what `NSString.appendingPathComponent` gives,
/// without Foundation's internationalization (and its 34 MB of ICU data) in every image.
package func joinPath(_ directory: String, _ name: String) -> String {
  if directory.isEmpty { return name }
  return directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
