/// The release this build is: `smsredirect --version` prints it, and `make package` names the
/// CLI's archive after it (the Makefile reads it from this file, so there is one place to bump).
enum Release {
    static let version = "0.16.0"
}
