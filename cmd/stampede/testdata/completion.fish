function __complete_stampede
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct)
    and set COMP_LINE "$COMP_LINE "
    stampede
end
complete -f -c stampede -a "(__complete_stampede)"
