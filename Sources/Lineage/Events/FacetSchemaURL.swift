/// The `_schemaURL` of every facet Restock emits. The standard facets' versions are those of the
/// OpenLineage repository's `spec/facets/*.json` `$id` (checked against its main branch).
public enum FacetSchemaURL {
    public static let schema = "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"
    public static let outputStatistics =
        "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet"
    public static let inputStatistics =
        "https://openlineage.io/spec/facets/1-0-0/InputStatisticsInputDatasetFacet.json#/$defs/InputStatisticsInputDatasetFacet"
    public static let datasetVersion =
        "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet"
    public static let errorMessage = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet"

    /// Restock's own `restock_model` run facet, described under the producer's URL.
    public static func restockModel(producer: String) -> String {
        let base = producer.hasSuffix("/") ? String(producer.dropLast()) : producer
        return "\(base)/docs/lineage-facets.json#/$defs/RestockModelRunFacet"
    }
}
