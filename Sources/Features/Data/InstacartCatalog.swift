/// The product catalog of an Instacart-layout dataset: aisles, departments and products, when they
/// come from somewhere other than the data folder's three CSV files (a shop's MySQL database, read
/// through ClickHouse: `MySQLCatalogReader` in Warehouse). `InstacartReader.read(directory:catalog:)`
/// then reads only orders and order_products from the folder and checks them against this catalog.
///
/// Whoever builds one must already have checked what the reader checks of the three files: ids in
/// `InstacartLayout.idRange`, unique per table, and every product's aisle and department present.
public struct InstacartCatalog: Equatable, Sendable {
    public var aisles: CategoryTable
    public var departments: CategoryTable
    public var products: ProductTable
    /// How errors name the products table ("products of mysql://user@host:3306/shop").
    public var productsName: String

    public init(aisles: CategoryTable = .init(), departments: CategoryTable = .init(), products: ProductTable = .init(),
                productsName: String = "the catalog's products") {
        self.aisles = aisles
        self.departments = departments
        self.products = products
        self.productsName = productsName
    }
}
