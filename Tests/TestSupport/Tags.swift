import Testing

extension Tag {
    /// A pure unit test: no moto, no Python, no built product, no packaging. `make unit` runs
    /// only these, for the edit-compile-test loop; `make test` runs everything.
    @Tag public static var unit: Self
}
