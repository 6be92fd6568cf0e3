/// HTML attachments: smuggled payloads become children; smuggling, credential forms and redirects become facts.
struct HTMLAnalyzer: Analyzer {
    let name = "html"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        AnalysisOutput()
    }
}
