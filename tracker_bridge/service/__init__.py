"""What `tracker-bridge serve` runs beside the scheduler: the HTTP endpoint (`http`), its
health probe (`health`), Prometheus metrics (`metrics`) and log set-up (`logs`)."""
