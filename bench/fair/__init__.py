"""The fair throughput benchmark (`python -m bench --only throughput-procs`): the stand-in
Bot API, the bot and the load each in a process of their own. throughput.py says what it
measures; standin.py is the stand-in's process and its control API, client.py the load
generator's end of it, procs.py and tied.py start, stop and time the processes."""
