"""Open Referral UK 3.0: published listings as HSDS organizations, services, locations and taxonomies.

``ids`` makes the objects' stable ids, ``taxonomies`` holds the taxonomies the feed publishes, ``mapping`` turns
listings into HSDS objects, ``query`` reads the feed's parameters and ``feed`` finds the pages and objects asked for.
"""
