"""Comments: who may write them, anchors that survive redrafting, answers, the report."""
