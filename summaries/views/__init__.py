"""The pages of what delegations write. ``summary``: session summaries; ``plan``: the
Day 3 plan; ``documents``: PDF downloads and the bundle; ``organisers``: the progress
board, one question across delegations, exports and the facilitators' preview."""
