import sys

from jinbiao.cli import main

sys.exit(main())
