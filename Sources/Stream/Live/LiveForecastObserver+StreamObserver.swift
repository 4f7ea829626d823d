/// The live forecast is the stream's observer (`restock stream --model`).
extension LiveForecastObserver: StreamObserver {}
