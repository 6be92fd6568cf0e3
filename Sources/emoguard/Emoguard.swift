import ArgumentParser

@main
struct Emoguard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stops Emotet-class malspam and finds the machines it infected.")
}
