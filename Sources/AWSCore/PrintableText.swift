extension String {
    /// The text as a message may show it when someone else wrote it (an event's field, another
    /// user's inbox record): control and invisible characters become `?`, so it cannot recolour
    /// or forge lines of a terminal or a log, and it is cut at `limit` characters, marked `…`.
    public func printablePrefix(_ limit: Int = 64) -> String {
        let shown = String(
            unicodeScalars.prefix(limit).map { scalar -> Character in
                switch scalar.properties.generalCategory {
                case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: "?"
                default: Character(scalar)
                }
            })
        return unicodeScalars.count > limit ? shown + "…" : shown
    }
}
