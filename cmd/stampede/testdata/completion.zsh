autoload -U +X bashcompinit && bashcompinit
complete -C stampede stampede
