"""Model cards and the drift-detection CronJobs."""
