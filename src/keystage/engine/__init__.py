"""Pure planning and analytics library: data in, result out; never imports Django."""
