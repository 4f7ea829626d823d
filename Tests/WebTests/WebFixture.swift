import Features
import Forest
import Foundation
import Serve
import Tabular
import TestSupport
import Web

/// A generated Instacart folder (80 users), a 6-tree forest trained on its labelled candidate rows
/// and written to a file, and the `ServeState` of the two, built once and shared by the tests.
final class WebFixture: Sendable {
    static let shared: WebFixture = try! WebFixture()

    let data: TemporaryDirectory
    let modelPath: String
    let inputs: ServeInputs
    let model: ForestModel
    let state: ServeState

    init(users: Int = 80, seed: UInt64 = 7) throws {
        let (dir, _) = try GeneratedData.make(users: users, seed: seed)
        data = dir
        inputs = try ServeInputs.read(directory: dir.path, threads: 2)
        let labelled = inputs.matrix.selectingRows(inputs.matrix.labelledRows)
        model = try RandomForest.train(features: labelled.features, target: labelled.target,
                                       parameters: ForestParameters(treeCount: 6, maxDepth: 8, seed: 5)).model
        modelPath = dir.file("model.rf")
        try model.write(to: modelPath)
        state = try ServeStateBuilder.state(inputs: inputs, model: model, modelPath: modelPath, serviceLevel: 0.95, threads: 2)
    }

    /// An API over a fresh holder of the shared state.
    func api(token: String? = nil, maximumBodyBytes: Int = 1 << 20) -> WebAPI {
        let inputs = self.inputs, schema = model.schema
        return WebAPI(holder: ServeStateHolder(state), token: token.map(BearerToken.init), maximumBodyBytes: maximumBodyBytes) { path in
            let file = path ?? self.modelPath
            let next = try ForestModel.load(from: file, expectedSchema: schema)
            return try ServeStateBuilder.state(inputs: inputs, model: next, modelPath: file, serviceLevel: 0.95, threads: 1)
        }
    }
}

/// The JSON object of a response body.
func object(_ response: WebResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:]
}

/// The error code of an error response.
func errorCode(_ response: WebResponse) -> String? {
    (object(response)["error"] as? [String: Any])?["code"] as? String
}

func get(_ api: WebAPI, _ target: String) -> WebResponse {
    let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
    return api.handle(WebRequest(method: "GET", path: parts[0], query: parts.count > 1 ? parts[1] : nil))
}
