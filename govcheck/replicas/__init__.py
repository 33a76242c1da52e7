"""Replica endpoints of the platforms (routes for govcheck.replica.ReplicaServer), built from account states."""
