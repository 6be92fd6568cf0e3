import Testing
@Test func milterPlaceholder() {}
