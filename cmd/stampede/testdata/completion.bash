complete -C stampede stampede
