"""The road to and from annotators: corpus loading and normalization (`corpus`), the Label Studio
boundary (`labelstudio`), and gold authoring from mention lists (`authoring`)."""

if __name__ != "jinbiao.annotate":  # the folder imported by its bare name from the checkout root
    raise ImportError("this folder is installed as jinbiao.annotate: write `import jinbiao.annotate`")
