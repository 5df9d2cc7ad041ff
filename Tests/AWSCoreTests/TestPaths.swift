import Foundation
import TestSupport

/// Paths the tests read: the package root (from this file's location) and the vectors it carries.
enum TestPaths {
    static let packageRoot = BuiltProducts.packageRoot
    static let vectors = BuiltProducts.vectors
}
