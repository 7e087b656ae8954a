# Sourced by test.sh and fuzz.sh: the configurations given on the command
# line, and their guests booted as many at a time as there are cores (TCG
# runs one guest on one host thread).
#   guest_configs FLAVOUR[:MODE] ...   sets configs=("flavour mode" ...)
#   boot_guests JOB NAME [vm.sh options]
#                                      one guest of JOB per configuration,
#                                      console in $res/NAME-flavour-mode.log,
#                                      vm.sh's complaints in .vm next to it

guest_configs() {
	local spec flavour modes mode
	configs=()
	for spec in "$@"; do
		flavour=${spec%%:*}
		modes="jit interp"
		[ "$spec" != "$flavour" ] && modes=${spec#*:}
		for mode in $modes; do
			configs+=("$flavour $mode")
		done
	done
}

boot_guests() {
	local job=$1 name=$2 cfg flavour mode
	shift 2
	for cfg in "${configs[@]}"; do
		read -r flavour mode <<< "$cfg"
		while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do
			wait -n || true
		done
		echo "== $name $flavour $mode: booting"
		"$top/scripts/vm.sh" "$@" --log "$res/$name-$flavour-$mode.log" \
			"$flavour" "$job" "$mode" >/dev/null 2>"$res/$name-$flavour-$mode.vm" &
	done
	wait
}
