"""Gold authoring outside Label Studio: numbered-line mention lists aligned onto documents."""
