"""Running the pipeline every quarter: the asset job, the quarterly schedule, the landing sensor."""
