"""The Label Studio labeling config, generated from the schema."""

from __future__ import annotations

from jinbiao.gold import LABEL_INFO, LabelInfo

FROM_NAME = "label"
TO_NAME = "text"


def label_config_xml(labels: tuple[LabelInfo, ...] = LABEL_INFO) -> str:
    """`<Labels>` with every label, colour and hotkey over `<Text value="$text">`.

    No `granularity` attribute: word granularity snaps Chinese selections to wrong boundaries.
    """
    from xml.sax.saxutils import quoteattr  # it imports urllib.request: not at every start of the CLI

    lines = ["<View>", f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">']
    for info in labels:
        lines.append(
            f"    <Label value={quoteattr(info.name)} background={quoteattr(info.colour)}"
            f" hotkey={quoteattr(info.hotkey)} hint={quoteattr(info.definition)}/>"
        )
    lines += ["  </Labels>", f'  <Text name="{TO_NAME}" value="$text"/>', "</View>"]
    return "\n".join(lines) + "\n"
