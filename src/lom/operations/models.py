"""Running LOM as a service: the scheduler's record of periodic jobs and the workers'
heartbeats."""
