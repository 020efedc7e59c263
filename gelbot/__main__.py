from gelbot.cli import main

main()
