package main

// Examples shown under each command's --help (kong prints what a command's
// Help method returns below its one-line summary). TestHelpExamples parses
// every example, so none of them can name a flag or a scenario that is gone.

func (tuiCmd) Help() string {
	return `Examples:
  stampede                        # pick a scenario from the gallery
  stampede retry-storm            # open a built-in in the Run view
  stampede tui my-system.toml     # open your own scenario`
}

func (runCmd) Help() string {
	return `Examples:
  stampede run retry-storm
  stampede run retry-storm --variant base --variant retry-budget
  stampede run retry-storm --set clients.users.timeout=250ms --seed 7
  stampede run retry-storm --json
  stampede run retry-storm --out results --plots
  stampede run retry-storm --baseline before/summary.json --band 10%`
}

func (plotCmd) Help() string {
	return `Examples:
  stampede plot retry-storm                       # every figure, PNG, here
  stampede plot retry-storm --figure timeseries -o storm.svg
  stampede plot results/summary.json --size paper`
}

func (listCmd) Help() string {
	return `Examples:
  stampede list`
}

func (showCmd) Help() string {
	return `Examples:
  stampede show retry-storm > my-system.toml      # a starting point to edit
  stampede show recorded-traffic --out mine       # with the data files it reads`
}

func (validateCmd) Help() string {
	return `Examples:
  stampede validate my-system.toml
  stampede validate retry-storm cache-stampede`
}

func (checkCmd) Help() string {
	return `Examples:
  stampede check                  # every built-in's claims
  stampede check my-system.toml`
}

func (mergeCmd) Help() string {
	return `Examples:
  stampede run congestion-collapse --shard 1/2 --out shards
  stampede run congestion-collapse --shard 2/2 --out shards
  stampede merge shards`
}

func (lintCmd) Help() string {
	return `Examples:
  stampede lint my-system.toml                    # exit 1 on an error finding
  stampede lint retry-amplification --fail-on warning
  stampede lint retry-storm --fail-on never       # report only
  stampede lint metastable-retries --variant all  # the base and every variant`
}

func (marginCmd) Help() string {
	return `Examples:
  stampede margin retry-margin --plot margin.png     # the file's [margin] table
  stampede margin stability-map --size faults.0.factor --from 1.5 --to 6 \
      --duration faults.0.for --for 1s,5s,20s --plot margin.png
  stampede margin stability-map --size faults.0.factor --from 1.5 --to 6 --json`
}

func (rareCmd) Help() string {
	return `Examples:
  stampede rare mm1 --set clients.customers.rate=500 --horizon 1s \
      --importance queue:server --levels 3,6,9,12,15 --brute 10000
  stampede rare mm1 --set clients.customers.rate=500 --horizon 1s \
      --importance queue:server --target 30        # levels placed by a pilot
  stampede rare metastable-retries --set 'faults=[]' --set clients.users.rate=1500 \
      --importance in_system:api --levels 150,175,200,250,300 --horizon 30s \
      --effort 30 --replications 5 --json`
}

func (diffCmd) Help() string {
	return `Examples:
  stampede run retry-storm --replications 10 --out before
  stampede run retry-storm --replications 10 --out after
  stampede diff before after                      # exit 1 on a regression
  stampede diff before/summary.json after/summary.json --band 10% --markdown`
}

func (versionCmd) Help() string {
	return `Examples:
  stampede version
  stampede --version`
}

func (helpCmd) Help() string {
	return `Examples:
  stampede help
  stampede help run`
}

func (completionCmd) Help() string {
	return `Examples:
  source <(stampede completion bash)      # in ~/.bashrc
  source <(stampede completion zsh)       # in ~/.zshrc
  stampede completion fish > ~/.config/fish/completions/stampede.fish`
}

func (fitCmd) Help() string {
	return `Examples:
  stampede fit traces.otlp.jsonl -o mine.toml      # fit, write, simulate, report
  stampede fit traces.json --workers db=4 --queue db=100
  stampede fit --prom rate.json --prom latency.json -o mine.toml`
}
