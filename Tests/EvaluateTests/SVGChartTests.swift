@testable import Evaluate
import Testing

@Test func chartDrawsEverySeriesAndEscapesText() {
    var chart = SVGChart(title: "Demand <pred> & actual", xLabel: "actual", yLabel: "predicted")
    chart.series = [.init(.points, xs: [0, 1, 2], ys: [0, 1.1, 1.9]), .init(.dashedLine, xs: [0, 2], ys: [0, 2], label: "y = x")]
    let svg = chart.render()
    #expect(svg.hasPrefix("<svg"))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(svg.components(separatedBy: "<circle").count == 4)
    #expect(svg.contains("stroke-dasharray"))
    #expect(svg.contains("Demand &lt;pred&gt; &amp; actual"))
}

@Test func ticksAreRoundNumbers() {
    let unit = SVGChart.ticks(0...1)
    #expect(unit.count == 6 && unit.first == 0 && abs(unit.last! - 1) < 1e-12)
    #expect(SVGChart.ticks(0...100) == [0, 20, 40, 60, 80, 100])
    #expect(f(1.5) == "1.5" && f(2) == "2" && f(0.125) == "0.13" && f(-0.5) == "-0.5")
    #expect(f3(0.78912) == "0.789" && f3(-1.2) == "-1.200")
}

@Test func heatMapHasOneCellPerFiniteValue() {
    let svg = SVGBarChart.heatMap(title: "R²", rowLabels: ["a", "b"], columnLabels: ["x", "y"],
                                  values: [[0.1, 0.2], [.nan, 0.4]], rowTitle: "r", columnTitle: "c")
    #expect(svg.components(separatedBy: "class=\"cell\"").count - 1 == 3)
    #expect(svg.contains("class=\"colour-scale\""))
}
