/// Facts about this SDK that it publishes to the Numaflow data plane.
public enum NumaflowSDK {
  /// The SDK's version, written into every server-info file.
  ///
  /// The one place the version lives: `CHANGELOG.md` names the same number.
  public static let version = "0.2.0"

  /// The language name written into server-info.
  ///
  /// Numaflow 1.8 and later treat a language it does not know as "skip the SDK version check";
  /// see the README's compatibility section for older platforms.
  public static let language = "swift"
}
