"""External providers behind small interfaces; configuration picks real or sandbox."""
