"""The job runner: fetch, verify, unpack, detect and run a build artifact.

Standard library only and Python 3.8+, because it runs in any image that has a Python: in
job pods it travels as a zipapp where this package is called ``job_runner``, so modules
import each other relatively and nothing from outside this folder.
"""
