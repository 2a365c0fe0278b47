package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

func main() {
	f := probes.Gather(context.Background(), probes.Target{})
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode(f)
}
