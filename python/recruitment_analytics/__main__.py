from recruitment_analytics.cli import main

raise SystemExit(main())
