"""backprop_viz: step through backpropagation, one gate at a time."""
