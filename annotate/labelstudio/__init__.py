"""The Label Studio boundary: the labeling config, a client, push and pull, export parsing, and a
local server (`server`)."""
