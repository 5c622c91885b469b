package main

type listCmd struct{}

func (listCmd) Run(*env) error { return notBuilt("list") }
